// `.dockerignore` as Docker reads it (moby/patternmatcher, documented under "Dockerignore file"):
// - each line is a pattern cleaned like Go's filepath.Clean, matched against the path relative to the
//   build context's root — `node_modules` is the root's only, `**/node_modules` any depth;
// - `*` is any run of characters except `/`, `?` one such character, `[...]` a class, `**` any
//   number of directories (zero included);
// - a pattern that matches a directory excludes everything under it;
// - `!` re-includes; the last matching line wins; `#` starts a comment.

const literal = (c) => (/[.+^${}()|\\]/.test(c) ? `\\${c}` : c);

/** One pattern as a regular expression over a relative path (Docker's regexpMatch). */
const toRegExp = (pattern) => {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        // `**/` matches zero or more directories; a trailing `**` anything.
        if (pattern[i + 1] === "/") {
          i++;
          re += "(.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += pattern.slice(i, end + 1).replace(/^\[!/, "[^");
        i = end;
      }
    } else re += literal(c);
  }
  return new RegExp(`${re}$`);
};

const clean = (p) =>
  p
    .split("/")
    .filter((s) => s && s !== ".")
    .join("/");

/** A predicate: is `relativePath` (forward slashes) left out of the build context? */
export const dockerignore = (text) => {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      return { negate, re: toRegExp(clean(negate ? l.slice(1).trim() : l)) };
    });
  return (relativePath) => {
    const parts = clean(relativePath).split("/");
    let excluded = false;
    for (const r of rules) {
      // A pattern matches the path itself or any directory above it.
      const hit = parts.some((_, i) => r.re.test(parts.slice(0, i + 1).join("/")));
      if (hit) excluded = !r.negate;
    }
    return excluded;
  };
};

/** `.dockerignore` as Docker reads it: a predicate over paths relative to the build context. */
export declare const dockerignore: (text: string) => (relativePath: string) => boolean;

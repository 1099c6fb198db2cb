// nlp.js ships no type declarations; `sentiment.ts` types what it uses.
declare module "@nlpjs/core";
declare module "@nlpjs/sentiment";
declare module "@nlpjs/language";
declare module "@nlpjs/lang-en";
declare module "@nlpjs/lang-pt";
declare module "@nlpjs/lang-es";
declare module "@nlpjs/lang-fr";
declare module "@nlpjs/lang-de";
declare module "@nlpjs/lang-it";
declare module "@nlpjs/lang-nl";
declare module "@nlpjs/lang-ru";
declare module "@nlpjs/lang-tr";
declare module "@nlpjs/lang-ar";

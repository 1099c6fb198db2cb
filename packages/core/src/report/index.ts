export * from "./port";
export { barChart, rows, toCsv, toHtml } from "./render";
export * from "./service";
export { compute, jobCounts, TEMPLATES, type Window } from "./templates";
export { summary } from "./text";
export * from "./view";

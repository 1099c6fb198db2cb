export * from "./clock";
export * from "./page";
export * from "./queue";
export * from "./store";
export * from "./timers";
export * from "./transport";

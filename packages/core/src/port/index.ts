export * from "./clock";
export * from "./queue";
export * from "./records";
export * from "./store";
export * from "./timers";
export * from "./transport";

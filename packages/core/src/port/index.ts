export * from "./clock";
export * from "./queue";
export * from "./timers";
export * from "./transport";
export * from "./store";
export * from "./records";

export { bulkRoutes, MessageFields, SendWindow } from "./jobs";
export { sandboxRoutes } from "./sandbox";

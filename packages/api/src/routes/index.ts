export { bulkRoutes, MessageFields, SendWindow } from "./bulk";
export { sandboxRoutes } from "./sandbox";

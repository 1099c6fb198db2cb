export { sandboxRoutes } from "./sandbox";
export { bulkRoutes, MessageFields, SendWindow } from "./bulk";

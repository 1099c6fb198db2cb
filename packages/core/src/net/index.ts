export { FetchError, type FetchErrorKind, type Fetched, type GuardedFetch, isFetchError, type MaxBytes } from "./error";
export { describeRange, type ForbiddenRange, forbiddenRange, ipBytes, type NetPolicy } from "./ip";
export { bareHost, checkUrl, type UrlCheck, type UrlRule } from "./url";

export { FetchError, type FetchErrorKind, type Fetched, type GuardedFetch, type GuardedPost, isFetchError, type MaxBytes, type Posted } from "./error";
export { describeRange, type ForbiddenRange, forbiddenRange, ipBytes, type NetPolicy } from "./ip";
export { bareHost, checkUrl, refuseForbiddenUrl, type UrlCheck, type UrlRule } from "./url";

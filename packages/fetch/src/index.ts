export { createGuardedFetch, createGuardedPost, type GuardOptions } from "./guard";
export { type Address, type Resolver, systemResolver } from "./resolve";

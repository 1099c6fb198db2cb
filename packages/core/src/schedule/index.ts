export * from "./recurrence";

// The public API of @custodia/customers; filled in as the context lands.
export {};

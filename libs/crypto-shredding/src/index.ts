// The public API of @custodia/crypto-shredding; filled in as the context lands.
export {};

// Vite bundles CSS imported from TypeScript (the xterm.js stylesheet).
declare module '*.css';

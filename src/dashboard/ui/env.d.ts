// Vite bundles CSS imported for its side effect (main.tsx's styles.css).
declare module '*.css' {}

// Vite's types for what the renderer imports besides code: CSS modules, assets.
/// <reference types="vite/client" />

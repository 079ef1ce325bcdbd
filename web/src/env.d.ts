/** Stylesheets imported for their side effect; Vite bundles them. */
declare module '*.css';

/** Files imported for their URL (Vite emits them under /assets/ with a hashed name). */
declare module '*?url' {
  const url: string;
  export default url;
}

// swagger-ui-dist ships no types. Its main module also loads the 1.7 MB browser bundle into Node
// (about 0.3 s and 12 MB of heap), so the API imports only the file that says where the package is.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The absolute path of the installed swagger-ui-dist folder, whose files the page loads. */
  export default function getAbsoluteFSPath(): string;
}

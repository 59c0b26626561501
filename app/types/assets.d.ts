// Remix's classic compiler turns imported stylesheets into URLs.
declare module "*.css" {
  const url: string;
  export default url;
}

/**
 * The help pages build.ts inlines into the bundle (rendered by packages/cli/helpPages.ts): for each
 * command path (`""` for the root, `"store import"`), the page without colour, then with colour.
 */
declare module "wa-contacts:help-pages" {
  export const HELP_PAGES: Readonly<Record<string, readonly [plain: string, color: string]>>
}

/**
 * The dashboard grid as the web app lays it out (react-grid-layout on the Dashboards page): 12
 * columns, rows of 40 px, 10 px between widgets and around the grid, over the page's 1072 px at
 * the app's usual width. The server's drawings (first paint, default layout, export) use the same
 * numbers so what they draw is what the app then shows. No imports: the web bundle takes it as is.
 */
export const WEB_GRID = { cols: 12, rowHeight: 40, gap: 10, width: 1072 } as const;

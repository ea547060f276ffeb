// The application menu as data; main.ts turns it into an Electron Menu and wires the actions.
export type MenuAction = "add-run" | "start-demo" | "reload" | "toggle-devtools" | "quit";

export interface MenuItemSpec {
  label?: string;
  role?: "undo" | "redo" | "cut" | "copy" | "paste" | "selectAll" | "zoomIn" | "zoomOut" | "resetZoom" | "togglefullscreen" | "about" | "hide" | "quit";
  accelerator?: string;
  action?: MenuAction;
  type?: "separator";
  submenu?: MenuItemSpec[];
}

export function menuTemplate(platform: NodeJS.Platform, dev: boolean): MenuItemSpec[] {
  const mod = platform === "darwin" ? "Cmd" : "Ctrl";
  return [
    ...(platform === "darwin" ? [{ label: "Driftscope", submenu: [{ role: "about" as const }, { type: "separator" as const }, { role: "hide" as const }, { role: "quit" as const }] }] : []),
    {
      label: "File",
      submenu: [
        { label: "Add run folder…", accelerator: `${mod}+O`, action: "add-run" },
        { label: "Start the demo run", action: "start-demo" },
        { type: "separator" },
        { label: "Quit", accelerator: `${mod}+Q`, action: "quit" },
      ],
    },
    { label: "Edit", submenu: [{ role: "undo" }, { role: "redo" }, { type: "separator" }, { role: "cut" }, { role: "copy" }, { role: "paste" }, { role: "selectAll" }] },
    {
      label: "View",
      submenu: [
        { label: "Reload", accelerator: `${mod}+R`, action: "reload" },
        ...(dev ? [{ label: "Developer tools", accelerator: `${mod}+Alt+I`, action: "toggle-devtools" as const }] : []),
        { type: "separator" },
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { role: "togglefullscreen" },
      ],
    },
  ];
}

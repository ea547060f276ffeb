// Alerts as they fire: a banner at the top of the app (until dismissed) and, in a browser whose user turned them
// on, a notification. The desktop app shows native notifications from the main process instead.
import { useEffect, useState } from "react";
import type { Api, FiredAlert } from "../../shared/api.js";

export function AlertBanner({ api, onOpen }: { api: Api; onOpen: () => void }) {
  const [alerts, setAlerts] = useState<FiredAlert[]>([]);
  useEffect(
    () =>
      api.onEvent((e) => {
        if (e.type !== "alert-fired") return;
        setAlerts((a) => [...a.slice(-4), e.alert]);
        if (!api.desktop && typeof Notification !== "undefined" && Notification.permission === "granted") new Notification("Driftscope alert", { body: e.alert.message, tag: `alert-${e.alert.id}` });
      }),
    [api],
  );
  if (alerts.length === 0) return null;
  return (
    <div className="alert-banner" role="alert" data-testid="alert-banner">
      {alerts.map((a) => (
        <div key={a.id}>⚠ {a.message}</div>
      ))}
      <button onClick={onOpen}>Open alerts</button>
      <button onClick={() => setAlerts([])}>Dismiss</button>
    </div>
  );
}

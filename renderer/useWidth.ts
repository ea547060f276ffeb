// The width of an element as it is laid out, kept current as the window resizes (ResizeObserver).
import { useCallback, useRef, useState } from "react";

export function useWidth<T extends HTMLElement>(initial = 1200): [(el: T | null) => void, number] {
  const [width, setWidth] = useState(initial);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    setWidth(el.clientWidth || initial);
    observer.current = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth((old) => (Math.abs(old - w) >= 4 ? w : old)); // small jitters do not redraw every panel
    });
    observer.current.observe(el);
  }, []);
  return [ref, width];
}

// Drop a module anywhere on the page. The overlay element is always in the DOM (hidden until a
// drag with files enters the window) so tests can target it; the listeners sit on the window.
import { useEffect, useRef, useState } from 'react';
import { useKlp } from '../store.ts';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function DropZone() {
  const openFile = useKlp((s) => s.openFile);
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault(); // never let the browser navigate to the dropped file
      depth.current = 0;
      setActive(false);
      const file = e.dataTransfer?.files?.[0];
      if (file) void openFile(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openFile]);

  return (
    <div
      className={`drop-zone${active ? ' active' : ''}`}
      data-testid="drop-zone"
      data-active={active}
      aria-hidden={!active}
    >
      <div className="drop-card">
        <strong>Drop a kernel module to inspect it</strong>
        <span>.ko · .ko.xz · .ko.zst · .ko.gz — decoded here, never uploaded</span>
      </div>
    </div>
  );
}

import { useState, type DragEvent } from 'react';

/**
 * A file drop target: highlighted (`over`) while files are dragged over it, handing the dropped
 * files on. While `enabled` is false it neither highlights nor takes files.
 */
export function useFileDrop(onFiles: (files: File[]) => void, enabled = true) {
  const [over, setOver] = useState(false);
  const accept = (e: DragEvent) => {
    if (enabled && Array.from(e.dataTransfer.types).includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    }
  };
  const handlers = {
    onDragEnter: accept,
    onDragOver: accept,
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      const files = Array.from(e.dataTransfer.files);
      if (enabled && files.length > 0) onFiles(files);
    },
  };
  return { over, handlers };
}

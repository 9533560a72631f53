import type { Ref } from 'react';

export interface HiddenFilePickerProps {
  /** A button of the page opens the picker by clicking the input through this ref. */
  ref: Ref<HTMLInputElement>;
  /** The input's accessible name. */
  label: string;
  onFiles(files: File[]): void;
  accept?: string;
  multiple?: boolean;
  /** Picks a whole folder (every file in it) instead of files. */
  folder?: boolean;
}

/**
 * The hidden file input behind an "Add…" or "Choose…" button: hands on the files picked, then
 * empties itself so that picking the same file again is a change too.
 */
export function HiddenFilePicker({
  ref,
  label,
  onFiles,
  accept,
  multiple = false,
  folder = false,
}: HiddenFilePickerProps) {
  return (
    <input
      ref={ref}
      type="file"
      accept={accept}
      multiple={multiple}
      hidden
      aria-label={label}
      {...(folder ? { webkitdirectory: '' } : {})}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        if (files.length > 0) onFiles(files);
        e.target.value = '';
      }}
    />
  );
}

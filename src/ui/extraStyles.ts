/** Adds styles 2 to MAX_STYLES (dropped or picked files) through the same intake as the others. */
import { ImageIntakeError, intakeImage } from './imageIntake';
import { pickedImage } from './pickImage';
import { useStore } from './store';
import { MAX_STYLES } from '../worker/protocol';

/** Takes files as extra styles while there is room; says what was refused or left out. */
export async function pickExtraStyles(files: readonly File[]): Promise<void> {
  const st = useStore.getState();
  st.setNotice(null);
  const room = MAX_STYLES - 1 - st.extraStyles.length;
  for (const file of files.slice(0, Math.max(0, room))) {
    const name = file.name || 'pasted-style';
    try {
      const img = await intakeImage(file);
      useStore.getState().addExtraStyle(pickedImage(name, file, img));
      useStore.getState().setError(null);
    } catch (e) {
      const what = e instanceof ImageIntakeError ? e.message : `could not be read: ${String(e)}`;
      useStore.getState().setError(`Style image "${name}" ${what}.`);
    }
  }
  if (files.length > room) {
    useStore
      .getState()
      .setNotice(
        `At most ${MAX_STYLES} style images: ignored ${files.length - Math.max(0, room)} file(s).`,
      );
  }
}

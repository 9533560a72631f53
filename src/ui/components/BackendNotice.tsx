import { useStore } from '../store';

/** Names the tfjs backend in use, and warns plainly when it is not the one asked for. */
export function BackendNotice() {
  const info = useStore((s) => s.backendInfo);
  if (!info) return <p className="backend">Starting the compute backend…</p>;
  return (
    <p
      className={info.warning ? 'backend warning' : 'backend'}
      role={info.warning ? 'status' : undefined}
      data-testid="backend"
    >
      Backend: <strong>{info.backend}</strong>
      {info.renderer ? ` (WebGL renderer: ${info.renderer})` : ''}
      {info.warning ? ` — ${info.warning}` : ''}
    </p>
  );
}

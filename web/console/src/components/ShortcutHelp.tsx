import { useEffect, useRef } from 'react';

const SHORTCUTS: [string, string][] = [
  ['1 – 4', 'Switch queue: mine, unassigned, all open, SLA breached'],
  ['j / k', 'Next / previous ticket in the queue'],
  ['r', 'Write a reply'],
  ['n', 'Write an internal note'],
  ['Ctrl + Enter', 'Send what you wrote'],
  ['Esc', 'Leave the text box'],
  ['?', 'Show or hide this list'],
];

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, action]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}

// "Record your kernel": how to get a recording of a real kernel to open here (capture/README.md's
// four lines), and the script itself to download (public/capture/klp-capture, served as is).
export function RecordHelp() {
  const script = new URL('capture/klp-capture', new URL(import.meta.env.BASE_URL, document.baseURI)).href;
  return (
    <details className="record-help" data-testid="record-help">
      <summary>Record your kernel</summary>
      <div className="record-help-body">
        <p>
          See what <em>your</em> kernel does while a livepatch loads (Debian 6.1 or 6.12, x86-64, as root; a VM is
          fine):
        </p>
        <ol>
          <li>
            copy{' '}
            <a href={script} download="klp-capture" data-testid="download-klp-capture">
              klp-capture
            </a>{' '}
            (one POSIX <code>sh</code> script) to the machine
          </li>
          <li>
            run it around the command: <code>sudo sh klp-capture -- insmod ./klp_demo_patch.ko</code>
          </li>
          <li>
            it writes one text file, <code>klp-capture-&lt;kernel&gt;-&lt;time&gt;.txt</code>
          </li>
          <li>open that file here (drop it, or Open module…): the real steps, beside the emulation</li>
        </ol>
        <p className="muted">
          It removes every probe it set, also when interrupted, and changes nothing else; its README says which
          functions it probes on which kernel.
        </p>
      </div>
    </details>
  );
}

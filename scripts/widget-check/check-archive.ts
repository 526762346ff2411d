import { checkCss } from './check-css';
import { checkI18n } from './check-i18n';
import { checkImages } from './check-images';
import { checkLayout } from './check-layout';
import { checkManifest } from './check-manifest';
import { checkScript, type ScriptReport } from './check-script';
import { checkSecrets } from './check-secrets';
import { checkTextFiles } from './check-text-files';
import { readManifestFiles } from './manifest-files';
import type { ArchiveFiles, Violation } from './violation';

export interface ArchiveCheckOptions {
  /** package.json's version; manifest.json must carry the same. */
  readonly expectedVersion: string;
  /** The root class every CSS rule must sit under. */
  readonly cssScope: string;
}

export interface ArchiveReport {
  readonly violations: Violation[];
  readonly script: ScriptReport | null;
}

/** Every platform rule for widget.zip, as data: an empty `violations` list means the archive passes. */
export function checkArchive(files: ArchiveFiles, options: ArchiveCheckOptions): ArchiveReport {
  const { violations: manifestViolations } = checkManifest(files, options.expectedVersion);
  const listed = readManifestFiles(files);
  const scriptBytes = files.get('script.js');
  const script = scriptBytes === undefined ? null : checkScript(scriptBytes);
  const violations = [
    ...checkLayout(files, listed),
    ...checkTextFiles(files),
    ...manifestViolations,
    ...checkI18n(files),
    ...checkImages(files, listed),
    ...(script?.violations ?? []),
    ...checkCss(files, options.cssScope),
    ...checkSecrets(files),
  ];
  return { violations, script };
}

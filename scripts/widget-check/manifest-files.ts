import { type ArchiveFiles, decodeUtf8 } from './violation';

/** What the manifest says the archive must hold, read leniently so a schema error elsewhere does not hide it. */
export interface ManifestFiles {
  readonly locales: string[];
  readonly tourImages: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function readManifestFiles(files: ArchiveFiles): ManifestFiles {
  const bytes = files.get('manifest.json');
  let json: { widget?: { locale?: unknown }; tour?: { tour_images?: unknown } } = {};
  try {
    json = JSON.parse((bytes === undefined ? null : decodeUtf8(bytes)) ?? '{}');
  } catch {
    json = {};
  }
  const tour = json.tour?.tour_images;
  const tourImages =
    typeof tour === 'object' && tour !== null
      ? Object.values(tour)
          .flatMap(strings)
          .map((path) => path.replace(/^\/+/, ''))
      : [];
  return { locales: strings(json.widget?.locale), tourImages };
}

/** The first number keeps `dataFile` itself; another number `<name>.<id>.json` beside it. */
export function numberDataFile(dataFile: string | undefined, numberId: string, first: boolean): string | undefined {
  if (dataFile === undefined || first) return dataFile;
  const dot = dataFile.endsWith('.json') ? dataFile.length - '.json'.length : dataFile.length;
  return `${dataFile.slice(0, dot)}.${numberId}${dataFile.slice(dot)}`;
}

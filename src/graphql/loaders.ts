import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created on first use. A field resolver asks for a loader by name and
 * gets the same instance for the whole request, so a page of 50 rows costs one query per relation.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(
    name: string,
    batch: DataLoader.BatchLoadFn<K, V>,
    options?: DataLoader.Options<K, V>,
  ): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, options);
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

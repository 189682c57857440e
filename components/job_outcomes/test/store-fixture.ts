import { createStore, type Store } from '@mousetrap/store';
import { dropSchema, uniqueName } from '@mousetrap/test_kit';

/**
 * A store in a schema of its own for the enclosing describe block: opened before its tests,
 * closed and its schema dropped after them. Call it in the block; read the store in a test. The
 * schema's name is there for a test that opens another store on it.
 */
export function useStore(databaseUrl: string, name: string): { store: () => Store; schema: string } {
  const schema = uniqueName(name);
  let store: Store | undefined;
  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema, max: 2 });
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(databaseUrl, schema);
  });
  return {
    store: () => {
      if (!store) throw new Error('the store is opened before the tests run');
      return store;
    },
    schema,
  };
}

import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { SessionDb } from './sessionDb';

function file(bytes: number[], name: string): Blob {
  return new File([new Uint8Array(bytes)], name, { type: 'image/png' });
}

describe('the images kept across reloads', () => {
  it('gives back the files put in each slot after the database is opened again', async () => {
    const factory = new IDBFactory();
    let db = await SessionDb.open(factory);
    await db.put('content', { name: 'photo.png', source: file([1, 2, 3], 'photo.png') });
    await db.put('style', { name: 'paint.png', source: file([4, 5], 'paint.png') });
    await db.put('extraStyles', [
      { name: 'a.png', source: file([6], 'a.png') },
      { name: 'b.png', source: file([7, 8], 'b.png') },
    ]);
    // A new image replaces the old one; an emptied slot is forgotten.
    await db.put('style', { name: 'other.png', source: file([9, 9, 9, 9], 'other.png') });
    await db.put('extraStyles', null);
    db.close();

    db = await SessionDb.open(factory);
    const content = await db.get('content');
    expect(content?.name).toBe('photo.png');
    expect([...new Uint8Array(await content!.source.arrayBuffer())]).toEqual([1, 2, 3]);
    const style = await db.get('style');
    expect(style?.name).toBe('other.png');
    expect(style?.source.size).toBe(4);
    expect(await db.get('extraStyles')).toBeUndefined();
    db.close();
  });

  it('a write the browser refuses rejects, and the store keeps what it had', async () => {
    const db = await SessionDb.open(new IDBFactory());
    await db.put('content', { name: 'kept.png', source: file([1], 'kept.png') });
    // A value IndexedDB cannot store (a function) fails like a refused write does.
    const bad = { name: 'bad.png', source: (() => 0) as unknown as Blob };
    await expect(db.put('content', bad)).rejects.toThrow();
    expect((await db.get('content'))?.name).toBe('kept.png');
    db.close();
  });
});

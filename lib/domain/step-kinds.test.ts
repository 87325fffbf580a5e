import { describe, expect, it } from 'vitest'
import { COPY_CONFIG_DEFAULTS, copyConfigOf, storedCopyConfig } from './step-kinds'

describe('copyConfigOf', () => {
  it('fills what a stored configuration leaves out with the defaults, and refuses rows on the target by default', () => {
    expect(copyConfigOf(null)).toEqual(COPY_CONFIG_DEFAULTS)
    expect(copyConfigOf({ tables: ['users', 7], mode: 'existing', jobs: 4, chunkRows: -1, reload: 'yes' })).toEqual({
      tables: ['users'],
      schemas: [],
      mode: 'existing',
      jobs: 4,
      chunkRows: COPY_CONFIG_DEFAULTS.chunkRows,
      maxRejectedRows: 0,
      reload: false,
      existingRows: 'refuse',
      emptyConfirmed: false,
      mapping: { tables: [] },
    })
  })

  it('reads the existing-rows choice only for a copy into existing tables, and a confirmation only with "empty"', () => {
    expect(copyConfigOf({ mode: 'existing', existingRows: 'merge' })).toMatchObject({
      existingRows: 'merge',
      emptyConfirmed: false,
    })
    expect(copyConfigOf({ mode: 'existing', existingRows: 'empty', emptyConfirmed: true })).toMatchObject({
      existingRows: 'empty',
      emptyConfirmed: true,
    })
    // Emptying nobody confirmed stays unconfirmed (the step then stops instead of deleting rows).
    expect(copyConfigOf({ mode: 'existing', existingRows: 'empty' })).toMatchObject({
      existingRows: 'empty',
      emptyConfirmed: false,
    })
    expect(copyConfigOf({ mode: 'existing', existingRows: 'empty', emptyConfirmed: 'yes' })).toMatchObject({
      emptyConfirmed: false,
    })
    expect(copyConfigOf({ mode: 'existing', existingRows: 'merge', emptyConfirmed: true })).toMatchObject({
      existingRows: 'merge',
      emptyConfirmed: false,
    })
    expect(copyConfigOf({ mode: 'create', existingRows: 'empty', emptyConfirmed: true })).toMatchObject({
      existingRows: 'refuse',
      emptyConfirmed: false,
    })
    expect(copyConfigOf({ mode: 'existing', existingRows: 'truncate' })).toMatchObject({ existingRows: 'refuse' })
  })
})

describe('storedCopyConfig', () => {
  it('leaves the default choice and schemas out, so a step saved before they existed keeps its stored form', () => {
    const before = {
      tables: ['users'],
      mode: 'existing',
      jobs: 2,
      chunkRows: 250_000,
      maxRejectedRows: 0,
      reload: false,
    }
    expect(storedCopyConfig(copyConfigOf(before))).toEqual(before)
    expect(storedCopyConfig({ ...copyConfigOf(before), existingRows: 'merge' })).toEqual({
      ...before,
      existingRows: 'merge',
    })
    expect(storedCopyConfig({ ...copyConfigOf(before), existingRows: 'empty', emptyConfirmed: true })).toEqual({
      ...before,
      existingRows: 'empty',
      emptyConfirmed: true,
    })
    expect(
      storedCopyConfig({ ...copyConfigOf(before), mode: 'create', existingRows: 'empty', emptyConfirmed: true }),
    ).toEqual({ ...before, mode: 'create' })
    // Schemas too: only when some are named.
    expect(storedCopyConfig({ ...copyConfigOf(before), schemas: ['sales'] })).toEqual({ ...before, schemas: ['sales'] })
  })
})

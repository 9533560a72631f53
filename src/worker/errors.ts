/** How both workers (style and explorer) word the errors they send to the page. */

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The answer to a message of no known type. Called from a switch's default with the message, which
 * is `never` there while the switch handles every type of the protocol (the compiler checks it).
 */
export function unknownMessageError(msg: never) {
  return {
    type: 'error',
    where: 'protocol',
    message: `Unknown message ${JSON.stringify(msg)}`,
  } as const;
}

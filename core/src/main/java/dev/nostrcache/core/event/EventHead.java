package dev.nostrcache.core.event;

/**
 * What a reader that passes an event on without storing it needs of it ({@link EventParser#parseHead}): enough to
 * route it by kind, drop a repeat by id and count it against a page of history by time.
 */
public record EventHead(String id, long createdAt, int kind) {
}

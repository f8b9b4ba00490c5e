/** Redis: two application nodes sharing sessions and revocations through one Redis. */
package dev.latchkey.examples.redis;

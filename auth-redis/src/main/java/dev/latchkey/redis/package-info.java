/** Latchkey's redis module. */
package dev.latchkey.redis;

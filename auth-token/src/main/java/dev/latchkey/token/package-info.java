/** Latchkey's token module. */
package dev.latchkey.token;

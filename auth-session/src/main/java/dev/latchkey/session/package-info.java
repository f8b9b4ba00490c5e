/** Latchkey's session module. */
package dev.latchkey.session;

/**
 * Latchkey's stores on Redis ({@code RedisStores}), on Jedis.
 *
 * <p>Reading this module reads {@code dev.latchkey.core} and Jedis too: the store SPIs and Jedis's
 * {@code UnifiedJedis} appear in this module's signatures. It needs neither {@code
 * dev.latchkey.session} nor {@code dev.latchkey.token}: an application that keeps only its sessions
 * on Redis pulls no JWT library.
 *
 * <p>Jedis is an automatic module, which reads every module but brings none into the module graph;
 * the libraries it calls that are explicit modules (Commons Pool, org.json, Gson) are required here
 * so that an application needs no {@code --add-modules}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.latchkey.redis {
  requires transitive dev.latchkey.core;
  requires transitive redis.clients.jedis;
  requires com.google.gson;
  requires org.apache.commons.pool2;
  requires org.json;

  exports dev.latchkey.redis;
}

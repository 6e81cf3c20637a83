package io.swiftvr.udf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The model's pool of host buffers, unpinned (the CPU case; pinning is checked on a GPU by EngineCheck). */
class HostBufferPoolTest {
  @Test
  void reusesTheSmallestBufferThatFits() {
    try (HostBufferPool pool = HostBufferPool.unpinned(4)) {
      assertFalse(pool.pinned());
      ByteBuffer small = pool.borrow(100);
      ByteBuffer large = pool.borrow(1000);
      assertTrue(small.isDirect() && large.isDirect());
      assertEquals(ByteOrder.nativeOrder(), small.order());
      pool.giveBack(large);
      pool.giveBack(small);
      assertSame(small, pool.borrow(50));
      assertSame(large, pool.borrow(101));
      ByteBuffer fresh = pool.borrow(2000);
      assertEquals(2000, fresh.capacity());
    }
  }

  @Test
  void keepsAtMostRetainIdleBuffersDroppingTheLargest() {
    try (HostBufferPool pool = HostBufferPool.unpinned(2)) {
      ByteBuffer a = pool.borrow(10);
      ByteBuffer b = pool.borrow(20);
      ByteBuffer c = pool.borrow(30);
      pool.giveBack(a);
      pool.giveBack(b);
      pool.giveBack(c); // three idle, two kept: c (the largest) goes
      assertSame(a, pool.borrow(10));
      assertSame(b, pool.borrow(10));
      assertNotSame(c, pool.borrow(30));
    }
  }

  @Test
  void aClosedPoolLendsNothing() {
    HostBufferPool pool = HostBufferPool.unpinned(2);
    ByteBuffer a = pool.borrow(10);
    pool.close();
    pool.giveBack(a); // released, not kept
    assertThrows(IllegalStateException.class, () -> pool.borrow(10));
  }
}

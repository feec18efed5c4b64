package ai.llamafactory.data.encode;

import java.util.Arrays;

/** A growable int array (no boxing). */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    void addAll(int[] values, int count) {
        ensure(size + count);
        System.arraycopy(values, 0, data, size, count);
        size += count;
    }

    void fill(int value, int count) {
        ensure(size + count);
        Arrays.fill(data, size, size + count, value);
        size += count;
    }

    private void ensure(int capacity) {
        if (capacity > data.length) {
            data = Arrays.copyOf(data, Math.max(capacity, data.length * 2));
        }
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}

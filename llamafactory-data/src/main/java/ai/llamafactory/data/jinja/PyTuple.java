package ai.llamafactory.data.jinja;

import java.util.AbstractList;
import java.util.List;

/** An immutable Python tuple (printed with parentheses; otherwise a list). */
final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items.clone();
    }

    PyTuple(List<?> items) {
        this.items = items.toArray();
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}

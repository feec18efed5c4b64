/** File-format helpers shared by the adapter and export writers: JSON written byte-for-byte as Python writes it. */
package ai.llamafactory.peft.io;

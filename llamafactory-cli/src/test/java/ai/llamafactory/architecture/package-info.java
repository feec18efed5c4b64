/** Architecture rules over every module's classes (ArchUnit): package cycles, the api's dependencies, internal marks. */
package ai.llamafactory.architecture;

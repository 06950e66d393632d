package dev.headroom.collectors.exposition;

/**
 * Which families a caller wants materialised. The parser asks once per family, with the family's name, before
 * building anything for it; samples of a family nobody wants are checked for syntax and dropped without
 * allocating. Names passed in are interned by the parser, so a set lookup costs no allocation.
 */
@FunctionalInterface
public interface FamilyFilter {

    FamilyFilter ALL = name -> true;

    boolean wants(String familyName);

    default FamilyFilter or(FamilyFilter other) {
        return name -> wants(name) || other.wants(name);
    }
}

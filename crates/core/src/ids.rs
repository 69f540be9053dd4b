//! Typed positions: a [`RegionId`] names a region of one [`crate::catalog::Catalog`], a
//! [`SectorId`] a sector of its [`crate::sector::SectorTable`], a [`BodyKindId`] a kind of
//! implementation body ([`crate::application::BODY_KINDS`]) and a [`ToolId`] a JETRO support
//! tool ([`crate::application::SUPPORT_TOOLS`]), so that a region can never be passed where a
//! sector is expected, a body kind where a tool is (or a row number where any is).
//!
//! Ids are handed out by the catalog and the sector table (their iterators, `find_*`
//! lookups and the fields of what they loaded); [`RegionId::index`] and
//! [`SectorId::index`] give the position for tables laid out in catalog order.

use std::fmt;

macro_rules! position_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The id at a position in catalog order. Ids normally come from the catalog or
            /// the sector table; this is for tables laid out by position (and tests), where
            /// the caller vouches that the position belongs to the catalog in use.
            pub fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).expect("fewer than 2^32 entries"))
            }

            /// The position, for tables laid out in catalog order.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        /// The bare position, as before ids were typed (debug output stays the same).
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

position_id!(
    /// A region of either kind: its position in the catalog (Japanese regions first).
    RegionId
);

position_id!(
    /// A sector: its position in the sector table (file order).
    SectorId
);

position_id!(
    /// A kind of implementation body: its position in [`crate::application::BODY_KINDS`]
    /// (named by [`BodyKindId::name`], read by [`BodyKindId::parse`]).
    BodyKindId
);

position_id!(
    /// A JETRO support tool: its position in [`crate::application::SUPPORT_TOOLS`] (named by
    /// [`ToolId::name`]).
    ToolId
);

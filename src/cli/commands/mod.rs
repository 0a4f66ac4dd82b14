//! One module per command; each defines its `XxxArgs` (the doc comment is the help text) and a
//! `run` function.

pub mod add;
pub mod audit;
pub mod authors;
pub mod checkpoint;
pub mod demo;
pub mod evidence;
pub mod export;
pub mod extract;
pub mod facts;
pub mod flags;
pub mod graph;
pub mod import;
pub mod init;
pub mod key;
pub mod log;
pub mod prove;
pub mod replay;
pub mod retract;
#[cfg(feature = "server")]
pub mod serve;
pub mod show;
pub mod sources;
pub mod user;
pub mod verify;
pub mod verify_proof;
